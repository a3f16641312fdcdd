import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from './event-queue.js';

describe('EventQueue', () => {
  it('pops by time, equal times in insertion order', () => {
    const queue = new EventQueue<string>();
    queue.push(5, 'a');
    queue.push(1, 'b');
    queue.push(5, 'c');
    queue.push(0.5, 'd');
    const order = [];
    while (queue.size > 0) order.push(queue.pop()!.value);
    expect(order).toEqual(['d', 'b', 'a', 'c']);
  });

  it('sorts like a stable sort', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 60 }), (times) => {
        const queue = new EventQueue<number>();
        times.forEach((time, i) => {
          queue.push(time, i);
        });
        const popped = times.map(() => queue.pop()!.value);
        const expected = times.map((_, i) => i).sort((a, b) => times[a] - times[b] || a - b);
        expect(popped).toEqual(expected);
      }),
    );
  });
});
