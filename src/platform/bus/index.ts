export type { EventMap, Topic, BusMessage } from './events.js';
export type { Transport, WireMessage, WireHandler } from './transport.js';
export { publishEvent, publishEvents, eventRecordset } from './outbox.js';
export { createRelay, type Relay } from './relay.js';
export { createBus, deadLetterTable, type Bus, type EventHandler, type BatchEventHandler, type EventHandlers } from './bus.js';
export { createInProcessTransport } from './in-process.js';
export { createRabbitTransport } from './rabbitmq.js';
