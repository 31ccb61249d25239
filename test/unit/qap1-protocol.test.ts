import assert from 'node:assert/strict';
import type { Response } from '../../r/qap1/protocol.ts';
import {
  checkGreeting,
  MessageAssembler,
  messageHeader,
  RESP_ERR,
  RESP_OK,
  stringParameter,
} from '../../r/qap1/protocol.ts';
import { assignMessage, wrapCode } from '../../r/qap1/requests.ts';
import { rDouble } from '../../r/qap1/sexp.ts';

function message(command: number, payload: Buffer): Buffer {
  return Buffer.concat([messageHeader(command, payload.length), payload]);
}

function collect(): { responses: Response[]; assembler: MessageAssembler } {
  const responses: Response[] = [];
  return { responses, assembler: new MessageAssembler((r) => responses.push(r)) };
}

describe('QAP1 framing', () => {
  const stream = Buffer.concat([
    message(RESP_OK, Buffer.from('first payload')),
    message(RESP_ERR | (127 << 24), Buffer.alloc(0)),
    message(RESP_OK, Buffer.alloc(70_000, 7)),
    message(RESP_ERR | (3 << 24), Buffer.from('x')),
  ]);

  function check(responses: Response[]): void {
    assert.equal(responses.length, 4);
    assert.deepEqual(
      responses.map((r) => [r.ok, r.status, r.payload.length]),
      [
        [true, 0, 13],
        [false, 127, 0],
        [true, 0, 70_000],
        [false, 3, 1],
      ],
    );
    assert.equal(responses[0]?.payload.toString(), 'first payload');
    assert.ok(responses[2]?.payload.every((b) => b === 7));
  }

  it('splits messages arriving in one chunk', () => {
    const { responses, assembler } = collect();
    assembler.push(stream);
    check(responses);
  });

  it('reassembles messages split at every possible point', () => {
    for (const size of [1, 3, 15, 16, 17, 1000, 65_536]) {
      const { responses, assembler } = collect();
      for (let i = 0; i < stream.length; i += size) assembler.push(stream.subarray(i, i + size));
      check(responses);
    }
  });

  it('builds DT_STRING parameters NUL-terminated and padded to 4', () => {
    const p = stringParameter('abc');
    assert.deepEqual([...p], [4, 4, 0, 0, 0x61, 0x62, 0x63, 0]);
    assert.equal(stringParameter('abcd').length, 4 + 8);
    assert.equal(stringParameter('é').length, 4 + 4);
  });

  it('builds one setSEXP message: header, DT_STRING name, DT_SEXP value', () => {
    const m = assignMessage('x', rDouble([1, 2]));
    assert.equal(m.readUInt32LE(0), 0x20);
    assert.equal(m.readUInt32LE(4), m.length - 16);
    assert.deepEqual([...m.subarray(16, 24)], [4, 4, 0, 0, 0x78, 0, 0, 0]);
    assert.equal(m[24], 10);
    assert.equal(m.readUInt32LE(24) >>> 8, 4 + 16);
    assert.equal(m.readDoubleLE(32), 1);
  });

  it('wraps user code in the session error recorder, trailing comments harmless', () => {
    assert.equal(
      wrapCode('x <- 1 # trailing comment'),
      '.qap1_run({\nx <- 1 # trailing comment\n})',
    );
  });

  it('accepts the Rserve greeting and refuses others', () => {
    const ok = Buffer.from('Rsrv0103QAP1\r\n\r\n--------------\r\n', 'latin1');
    assert.equal(ok.length, 32);
    assert.equal(checkGreeting(ok), undefined);
    assert.match(
      checkGreeting(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n...')) ?? '',
      /not an Rserve/,
    );
    assert.match(
      checkGreeting(Buffer.from('Rsrv0102QAP1\r\n\r\n--------------\r\n')) ?? '',
      /version/,
    );
    assert.match(
      checkGreeting(Buffer.from('Rsrv0103QAP1\r\n\r\nARuc----------\r\n')) ?? '',
      /auth/,
    );
  });
});
