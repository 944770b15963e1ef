import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ProblemSchema, optionalBody, principalOf, strictObject } from '../../platform/http/index.js';
import type { IdentityService } from './identity.service.js';

const Username = Type.String({ minLength: 3, maxLength: 32, pattern: '^[A-Za-z0-9_]+$', description: '3-32 of [A-Za-z0-9_]' });
const Password = Type.String({ minLength: 8, maxLength: 128 });

export const UserSchema = strictObject({
  id: Type.String(),
  username: Type.String(),
  roles: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
});

const Credentials = strictObject({ username: Username, password: Password });
const AuthResponse = strictObject({ user: UserSchema, accessToken: Type.String(), refreshToken: Type.String() });
const TokenPair = strictObject({ accessToken: Type.String(), refreshToken: Type.String() });
const problems = { 400: ProblemSchema, 401: ProblemSchema, 409: ProblemSchema, 413: ProblemSchema, 429: ProblemSchema };

type CredentialsBody = { Body: { username: string; password: string } };

/** API.md "Identity". */
export function registerIdentityRoutes(app: FastifyInstance, identity: IdentityService): void {
  app.post<CredentialsBody>(
    '/api/v1/auth/register',
    { schema: { tags: ['identity'], body: Credentials, response: { 201: AuthResponse, ...problems } } },
    async (request, reply) => {
      const result = await identity.register(request.body.username, request.body.password, request.ip);
      return reply.code(201).send(result);
    },
  );

  app.post<CredentialsBody>(
    '/api/v1/auth/login',
    { schema: { tags: ['identity'], body: Credentials, response: { 200: AuthResponse, ...problems } } },
    async (request) => identity.login(request.body.username, request.body.password, request.ip),
  );

  app.post<{ Body: { refreshToken: string } }>(
    '/api/v1/auth/refresh',
    {
      schema: {
        tags: ['identity'],
        body: strictObject({ refreshToken: Type.String({ minLength: 1, maxLength: 512 }) }),
        response: { 200: TokenPair, ...problems },
      },
    },
    async (request) => identity.refresh(request.body.refreshToken),
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { auth: 'user' },
      schema: { tags: ['identity'], security: [{ bearer: [] }], body: optionalBody(strictObject({})), response: { 204: Type.Null(), ...problems } },
    },
    async (request, reply) => {
      await identity.logout(principalOf(request));
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/me',
    { config: { auth: 'user' }, schema: { tags: ['identity'], security: [{ bearer: [] }], response: { 200: UserSchema, 401: ProblemSchema } } },
    async (request) => {
      const { userId, username, roles, createdAt } = principalOf(request);
      return { id: userId, username, roles, createdAt };
    },
  );
}
