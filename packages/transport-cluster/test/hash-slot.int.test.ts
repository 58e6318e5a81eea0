import { getTestServers, runAdminCommand } from '@cachex/testing';
import { describe, expect, it } from 'vitest';
import { hashSlot } from '../src/index.js';

// The slot function against the server's own CLUSTER KEYSLOT, hash-tag edge cases included.
describe('hashSlot', () => {
  it('matches CLUSTER KEYSLOT, hash tags, empty tags and UTF-8 included', async () => {
    const node = getTestServers().cluster.nodes[0];
    if (node === undefined) throw new Error('the shared cluster has no node');
    const keys = [
      'foo',
      '',
      '123456789',
      '{user1000}.following',
      '{user1000}.followers',
      'foo{}{bar}', // an empty first tag: the whole key is hashed
      'a{}b}c',
      'foo{{bar}}zap',
      'foo{bar}{zap}',
      '}a{b}',
      '{',
      'x{',
      'clé-ünïcødé-🔑',
      'myapp:1:{user:1}:a',
    ];
    for (const key of keys) {
      expect(hashSlot(key), key).toBe(await runAdminCommand(node, 'CLUSTER', 'KEYSLOT', key));
      expect(hashSlot(Buffer.from(key)), key).toBe(hashSlot(key));
    }
    expect(hashSlot('123456789')).toBe(12739);
    const raw = Buffer.from([0x7b, 0xff, 0x7d, 0x00]);
    expect(hashSlot(raw)).toBe(hashSlot(Buffer.from([0xff])));
  });
});
