import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newId } from './ids.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const timeOf = (id: string) => Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('newId', () => {
  it('makes RFC 9562 version 7 UUIDs carrying the current millisecond', () => {
    const before = Date.now();
    const id = newId();
    const after = Date.now();
    assert.match(id, UUID_V7);
    assert.ok(timeOf(id) >= before && timeOf(id) <= after + 1, `${timeOf(id)} not within [${before}, ${after}]`);
  });

  it('sorts ids in the order they were made, also many within one millisecond, and never repeats', () => {
    const ids = Array.from({ length: 50_000 }, () => newId());
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids.slice(0, 1000)) assert.match(id, UUID_V7);
  });

  it('keeps 62 random bits per id (two ids of one millisecond differ beyond the counter)', () => {
    const [a = '', b = ''] = [newId(), newId()];
    assert.notEqual(a.slice(19), b.slice(19));
  });
});
