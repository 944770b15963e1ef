import type { FlashmartModule, Platform } from '../../platform/module.js';
import { NOTIFICATIONS_GROUP, notificationHandlers } from './notifications.consumer.js';
import { createLiveFeed } from './notifications.live.js';
import { registerNotificationsRoutes } from './notifications.routes.js';
import { createNotificationsService, type NotificationsService } from './notifications.service.js';

export type { NotificationsService, Notification, NotificationInput, NotificationPage } from './notifications.service.js';

/** Notifications: in-app messages fed by events, listed, marked read and streamed live (SSE). */
export function createNotificationsModule(platform: Platform): FlashmartModule & { service: NotificationsService } {
  const service = createNotificationsService(platform.database.db);
  const live = createLiveFeed(platform.database, platform.logger);
  return {
    name: 'notifications',
    service,
    migrations: { module: 'notifications', dir: new URL('./migrations/', import.meta.url) },
    registerRoutes(app) {
      registerNotificationsRoutes(app, service, live);
    },
    async registerWorker() {
      // Order and wallet events become messages to the people concerned, once each (dedupe keys).
      await platform.bus.subscribe(NOTIFICATIONS_GROUP, notificationHandlers(service));
    },
    async stop() {
      await live.stop();
    },
  };
}
