/**
 * One Engine API call at a time (DESIGN.md "durable-objects/").
 *
 * Platform invariant: a Durable Object's input gate does NOT hold while the object awaits an outbound `fetch`, so
 * other requests and alarms interleave with an Engine API call in flight. Ordering therefore comes from this
 * explicit lock, never from the runtime: every task runs after the previous one settled, in call order.
 */
export class TaskQueue {
  #tail: Promise<unknown> = Promise.resolve()
  #depth = 0

  /** Tasks queued or running. */
  get depth(): number {
    return this.#depth
  }

  /** Run `task` after every task queued before it has settled; its result or error is the caller's. */
  run<T>(task: () => Promise<T>): Promise<T> {
    this.#depth++
    const result = this.#tail.then(task, task)
    // The chain continues whatever the task did; failures belong to the caller, not to later tasks.
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    )
    return result.finally(() => {
      this.#depth--
    })
  }
}
