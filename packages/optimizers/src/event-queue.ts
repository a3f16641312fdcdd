/** An entry of the simulated-time event queue. */
export interface QueuedEvent<T> {
  /** Simulated time the event happens, seconds. */
  readonly time: number;
  /** Insertion number, breaking ties so equal times pop in insertion order. */
  readonly sequence: number;
  /** The payload. */
  readonly value: T;
}

/** A binary min-heap of events ordered by (time, insertion order): deterministic on ties. */
export class EventQueue<T> {
  private readonly heap: QueuedEvent<T>[] = [];
  private inserted = 0;

  /** Number of queued events. */
  get size(): number {
    return this.heap.length;
  }

  /** Queues `value` at simulated `time` (seconds). */
  push(time: number, value: T): void {
    const heap = this.heap;
    heap.push({ time, sequence: this.inserted++, value });
    let child = heap.length - 1;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!before(heap[child], heap[parent])) break;
      [heap[child], heap[parent]] = [heap[parent], heap[child]];
      child = parent;
    }
  }

  /** Removes and returns the earliest event, or undefined when empty. */
  pop(): QueuedEvent<T> | undefined {
    const heap = this.heap;
    if (heap.length === 0) return undefined;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let parent = 0;
      for (;;) {
        const left = 2 * parent + 1;
        const right = left + 1;
        let smallest = parent;
        if (left < heap.length && before(heap[left], heap[smallest])) smallest = left;
        if (right < heap.length && before(heap[right], heap[smallest])) smallest = right;
        if (smallest === parent) break;
        [heap[parent], heap[smallest]] = [heap[smallest], heap[parent]];
        parent = smallest;
      }
    }
    return top;
  }
}

function before<T>(a: QueuedEvent<T>, b: QueuedEvent<T>): boolean {
  return a.time < b.time || (a.time === b.time && a.sequence < b.sequence);
}
