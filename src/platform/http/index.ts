export { AppError, problemOf, ERROR_STATUS, type ErrorCode, type Problem, type FieldError } from './errors.js';
export { createHttpServer, sendProblem, BODY_LIMIT, type HttpOptions, type ReadinessCheck } from './server.js';
export { principalOf, type Principal, type Authenticator, type AccessRule } from './auth.js';
export { purgeIdempotencyRecords } from './idempotency.js';
export { openEventStream, type EventStream } from './event-stream.js';
export { strictObject, optionalBody, ProblemSchema, IdParam, PageQuery, CursorQuery } from './schema.js';
