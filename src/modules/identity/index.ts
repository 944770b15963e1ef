import type { FlashmartModule, Platform } from '../../platform/module.js';
import { countOrphanSessions, countUsersWithoutUserRole } from './identity.store.js';
import { registerIdentityRoutes } from './identity.routes.js';
import { createIdentityService, type IdentityService } from './identity.service.js';

export type { IdentityService, User, AuthResult, UserCreatedHook } from './identity.service.js';
export type { IdentityEvents } from './identity.events.js';
export { UserSchema } from './identity.routes.js';

/** Identity: users, credentials, sessions, roles. Its service also authenticates every request. */
export function createIdentityModule(platform: Platform): FlashmartModule & { service: IdentityService } {
  const { config, database } = platform;
  const service = createIdentityService({
    db: database.db,
    hotStore: platform.hotStore,
    logger: platform.logger,
    jwtSecret: config.jwtSecret,
    registerRatePerIp: config.registerRatePerIp,
  });
  return {
    name: 'identity',
    service,
    migrations: { module: 'identity', dir: new URL('./migrations/', import.meta.url) },
    registerRoutes(app) {
      registerIdentityRoutes(app, service);
    },
    async bootstrap() {
      await service.init();
      if (config.adminUsername && config.adminPassword) {
        const { created } = await service.ensureAdmin(config.adminUsername, config.adminPassword);
        if (created) platform.logger.info({ username: config.adminUsername }, 'first administrator created');
      }
    },
    audits: [
      {
        name: 'identity: every session belongs to an existing user',
        async run() {
          const n = await countOrphanSessions(database.db);
          return n === 0 ? [] : [`${n} session(s) reference a missing user`];
        },
      },
      {
        name: 'identity: every user has the role "user"',
        async run() {
          const n = await countUsersWithoutUserRole(database.db);
          return n === 0 ? [] : [`${n} user(s) lack the base role "user"`];
        },
      },
    ],
  };
}
