/**
 * Every event name and its payload type. Modules add their events by augmenting this
 * interface from their `*.events.ts`, so publishing a wrong payload does not compile.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface EventMap {}

export type Topic = keyof EventMap & string;

/** One event as consumers receive it. */
export interface BusMessage<T extends Topic = Topic> {
  /** Unique message id: the inbox key, stable across redeliveries. */
  id: string;
  topic: T;
  payload: EventMap[T];
}
