/** Socket.IO text packets nested too deeply are never parsed (server/realtime/packet-depth.ts). */
import assert from 'node:assert/strict';
import {
  boundedPacket,
  MAX_PACKET_DEPTH,
  nestsDeeper,
} from '../../server/realtime/packet-depth.ts';

describe('packet depth', () => {
  it('measures nesting outside strings only', () => {
    assert.equal(nestsDeeper('[[[1]]]', 3), false);
    assert.equal(nestsDeeper('[[[[1]]]]', 3), true);
    assert.equal(nestsDeeper('{"a":{"b":[1]}}', 3), false);
    assert.equal(nestsDeeper('["[[[[[[", "{{{{\\"[[[["]', 1), false);
    assert.equal(nestsDeeper('[[],[],[],[]]', 2), false);
  });

  it('passes a packet within the bound as it is, and keeps only the header and event of a deeper one', () => {
    const ok = '2["data",{"seq":1,"objects":[{"type":"note","name":"n","text":"[[[["}]}]';
    assert.equal(boundedPacket(ok), ok);
    const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);
    // The packet's own array is a level: 63 more fit.
    const edge = `2["data",${deep(MAX_PACKET_DEPTH - 1)}]`;
    assert.equal(boundedPacket(edge), edge);
    assert.equal(boundedPacket(`2["data",${deep(MAX_PACKET_DEPTH)}]`), '2["data",null]');
    assert.equal(boundedPacket(`21["ping",{"t":${deep(1e6)}}]`), '21["ping",null]');
    assert.equal(boundedPacket(`51-["data",${deep(100)}]`), '51-["data",null]');
    assert.equal(boundedPacket(`2${deep(100)}`), '2[null]');
    // A data message that starts with its seq keeps it: the refusal names it, it gets its ok.
    assert.equal(
      boundedPacket(`2["data",{"seq":77,"objects":[${deep(100)}]}]`),
      '2["data",{"seq":77,"tooDeep":true}]',
    );
    assert.equal(
      boundedPacket(`2["data", { "seq" : -3 , "x":${deep(100)}}]`),
      '2["data",{"seq":-3,"tooDeep":true}]',
    );
    assert.equal(boundedPacket(`2["data",{"objects":${deep(100)},"seq":5}]`), '2["data",null]');
    assert.equal(boundedPacket(`2["ok",{"seq":5,"x":${deep(100)}}]`), '2["ok",null]');
  });

  it('stops at the first level too many (a 2 million deep packet is refused at once)', () => {
    const huge = `2["data",${'['.repeat(2e6)}${']'.repeat(2e6)}]`;
    assert.equal(boundedPacket(huge), '2["data",null]');
  });
});
