/** The stable machine-readable reasons of API.md, with their HTTP status. */
export const ERROR_STATUS = {
  validation_failed: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  username_taken: 409,
  insufficient_funds: 409,
  insufficient_stock: 409,
  invalid_state: 409,
  product_unavailable: 409,
  sold_out: 409,
  purchase_limit_exceeded: 409,
  sale_not_started: 409,
  sale_ended: 409,
  coupon_unavailable: 409,
  idempotency_key_in_use: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  mixed_sellers: 422,
  cannot_buy_own_product: 422,
  idempotency_key_reused: 422,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldError {
  path: string;
  message: string;
}

const TITLES: Partial<Record<ErrorCode, string>> = {
  validation_failed: 'The request is not valid',
  unauthorized: 'Authentication required',
  invalid_credentials: 'Wrong username or password',
  forbidden: 'Not allowed',
  not_found: 'Not found',
  rate_limited: 'Too many requests',
  payload_too_large: 'Request body too large',
  internal_error: 'Internal server error',
};

/**
 * An expected failure with a stable code. Thrown anywhere, mapped to problem+json at the
 * HTTP edge only.
 */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly extra: { errors?: FieldError[]; retryAfterSeconds?: number } = {},
  ) {
    super(detail ?? code);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }
}

/** RFC 9457 problem details as this API writes them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  errors?: FieldError[];
}

export function problemOf(code: ErrorCode, detail?: string, errors?: FieldError[]): Problem {
  const problem: Problem = {
    type: `urn:flashmart:problem:${code}`,
    title: TITLES[code] ?? code.replaceAll('_', ' '),
    status: ERROR_STATUS[code],
    code,
  };
  if (detail !== undefined) problem.detail = detail;
  if (errors !== undefined) problem.errors = errors;
  return problem;
}
