/**
 * Socket.IO's packet parser, made to keep the connection when a packet cannot be read.
 * Socket.IO closes a client's whole connection when its decoder throws (truncated or
 * invalid JSON, an unknown packet type, binary data nobody announced, more than 10
 * attachments, a text packet while an announced attachment is still missing), which ended
 * every tab's request in flight and broke API.md's "a malformed message never ends the
 * connection". This decoder turns such a packet into a `data` event whose payload says
 * what was wrong ({@link UNREADABLE}): the `data` handler refuses it as any malformed
 * message (`invalid_message`, `replyTo` null, as it names no `seq`), and the next packets
 * are read as before. A binary packet whose attachments never all came is dropped when the
 * next text packet arrives, and that packet is read normally.
 */
import { Decoder, Encoder, PacketType, type Packet } from 'socket.io-parser';

/** The key of a `data` payload that stands for a packet the server could not read. */
export const UNREADABLE = 'unreadablePacket';

/**
 * What such a payload holds: why the packet was refused, and whether Engine.IO's `packet`
 * listener counted its bytes as an event's (a text packet of type 2 or 5: the handlers'
 * byte count of each message, handlers.ts, takes one count per event).
 */
export interface Unreadable {
  readonly why: string;
  readonly counted: boolean;
}

/** Whether a text packet starts as an event (2) or a binary event (5). */
const isEventText = (obj: unknown): boolean =>
  typeof obj === 'string' && (obj.startsWith('2') || obj.startsWith('5'));

/** The parts of socket.io-parser's Decoder this one reaches (private in its types). */
interface DecoderState {
  reconstructor: { finishedReconstruction(): void } | null;
  emitReserved(event: 'decoded', packet: Packet): void;
}

/** A decoder that answers a packet it cannot read instead of ending the connection. */
export class ForgivingDecoder extends Decoder {
  /**
   * Binary packets are dropped without a word until the next text packet: they belong to a
   * message already refused (its header unreadable, or too many attachments), or to a run
   * of binary data nobody announced, refused once.
   */
  #dropBinary = false;

  override add(obj: unknown): void {
    const self = this as unknown as DecoderState;
    const text = typeof obj === 'string';
    if (text) {
      this.#dropBinary = false;
      // The waiting packet was a binary event (5): its bytes were counted.
      if (self.reconstructor !== null && self.reconstructor !== undefined)
        this.refuse('a binary packet whose attachments did not all come', true);
    } else if (this.#dropBinary) return;
    try {
      super.add(obj);
    } catch (e) {
      this.refuse(e instanceof Error ? e.message : String(e), isEventText(obj));
      this.#dropBinary = true;
    }
  }

  /** Drops what was being read and hands on a `data` event saying why. */
  private refuse(why: string, counted: boolean): void {
    const self = this as unknown as DecoderState;
    self.reconstructor?.finishedReconstruction();
    self.reconstructor = null;
    const unreadable: Unreadable = { why, counted };
    self.emitReserved('decoded', {
      type: PacketType.EVENT,
      nsp: '/',
      data: ['data', { [UNREADABLE]: unreadable }],
    });
  }
}

/** The parser to give Socket.IO's Server (`parser` option). */
export const forgivingParser = { Encoder, Decoder: ForgivingDecoder };
