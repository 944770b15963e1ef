/** An event on the wire. */
export interface WireMessage {
  id: string;
  topic: string;
  payload: unknown;
}

/**
 * Resolving acknowledges the message; throwing asks for redelivery, and after the
 * delivery limit the message goes to the dead-letter store.
 */
export type WireHandler = (message: WireMessage) => Promise<void>;

/** Moves events from the outbox relay to consumer groups. */
export interface Transport {
  readonly kind: 'in-process' | 'rabbitmq';
  /** Resolves once every message is durably accepted (publisher confirms, or handled in-process). */
  publish(messages: WireMessage[]): Promise<void>;
  /** One durable subscription per consumer group; several processes in a group compete. */
  consume(group: string, topics: string[], handler: WireHandler): Promise<void>;
  ping(): Promise<void>;
  /** The messages a consumer group gave up on (after the delivery limit), left in place. */
  deadLetters(group: string): Promise<WireMessage[]>;
  /** Hands a group's dead letters to it again (same ids: groups that handled them skip them); returns how many. */
  replayDeadLetters(group: string): Promise<number>;
  close(): Promise<void>;
}
