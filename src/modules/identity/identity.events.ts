/** Events the identity module emits. */
export interface IdentityEvents {
  'user.registered': { userId: string; username: string; registeredAt: string };
}

declare module '../../platform/bus/events.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface EventMap extends IdentityEvents {}
}
