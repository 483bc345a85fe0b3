/**
 * The error catalogue: every problem the HTTP API can answer with, by stable `code`.
 * Responses are RFC 9457 problem details (`application/problem+json`); OAuth endpoints answer in
 * OAuth's own error shape instead (RFC 6749 §5.2). Codes are a public contract: never rename one.
 */
export const PROBLEMS = {
  invalid_request: { status: 400, title: 'The request is not valid', zh: '請求內容有誤' },
  csrf_token_invalid: {
    status: 403,
    title: 'The form has expired or was not sent by this site',
    zh: '此頁面已過期，請回到上一頁重新整理後再試一次',
  },
  not_found: { status: 404, title: 'Not found', zh: '找不到您要的頁面或資料' },
  forbidden: { status: 403, title: 'Your role does not allow this', zh: '您的角色沒有權限進行這項操作' },
  own_organisation: {
    status: 403,
    title: 'Reviewers do not decide on their own organisation’s applications',
    zh: '審查人員不能審查自己機構的申請',
  },
  proof_not_ready: {
    status: 409,
    title: 'The proof is available after the audit log’s next signed checkpoint; try again in a few minutes',
    zh: '證明會在稽核紀錄下一次簽章後提供，請幾分鐘後再試',
  },
  interaction_expired: {
    status: 400,
    title: 'This authorization has expired or is already finished; start again from the app',
    zh: '這次的授權已逾時或已完成，請回到原本的 App 重新開始',
  },
  sign_in_required: { status: 401, title: 'Sign in first', zh: '請先登入' },
  portal_signin_failed: {
    status: 400,
    title: 'Signing in to the portal did not finish; sign in again',
    zh: '登入沒有完成，請重新登入',
  },
  invalid_token: {
    status: 401,
    title: 'The access token is missing, expired, revoked or not for this API',
    zh: '存取權杖無效、已過期或已被撤銷',
  },
  invalid_dpop_proof: {
    status: 401,
    title: 'The DPoP proof is missing or invalid',
    zh: '裝置證明（DPoP）無效',
  },
  insufficient_scope: {
    status: 403,
    title: 'The access token covers none of the consented categories',
    zh: '存取權杖不包含任何已同意的資料類別',
  },
  consent_not_found: { status: 404, title: 'No such consent', zh: '找不到這筆同意紀錄' },
  consent_revoked: { status: 403, title: 'The citizen revoked this consent', zh: '民眾已撤回此項授權' },
  ticket_not_found: { status: 404, title: 'No such export ticket', zh: '找不到這張下載憑證' },
  invalid_receipt: {
    status: 400,
    title: 'The deletion receipt is not a valid JWS signed by the app for this request',
    zh: '刪除回條的簽章或內容無效',
  },
  ticket_expired: {
    status: 410,
    title: 'The export ticket has expired; ask the citizen to consent again',
    zh: '下載憑證已過期，請重新取得授權',
  },
  export_key_required: {
    status: 400,
    title: 'The consent pins no export key (send export_key_jkt with the authorization request)',
    zh: '此授權未指定裝置的加密金鑰',
  },
  export_key_mismatch: {
    status: 400,
    title: 'The export key is not the one pinned at consent',
    zh: '裝置的加密金鑰與授權時指定的不符',
  },
  export_busy: { status: 503, title: 'Busy making other files; retry after Retry-After', zh: '系統忙碌中，請稍後再試' },
  request_timeout: { status: 408, title: 'The request took too long to arrive', zh: '請求逾時，請再試一次' },
  method_not_allowed: { status: 405, title: 'Method not allowed', zh: '不支援此操作方式' },
  payload_too_large: { status: 413, title: 'Payload too large', zh: '傳送的資料過大' },
  uri_too_long: { status: 414, title: 'The address is too long', zh: '網址過長' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type', zh: '不支援的資料格式' },
  rate_limited: { status: 429, title: 'Too many requests', zh: '操作太頻繁，請稍後再試' },
  overloaded: {
    status: 503,
    title: 'The platform is busy; retry after Retry-After',
    zh: '系統目前使用人數較多，請稍後再試',
  },
  headers_too_large: { status: 431, title: 'The request headers are too large', zh: '請求標頭過大' },
  internal_error: { status: 500, title: 'Internal error', zh: '系統發生錯誤，請稍後再試' },
  database_unavailable: { status: 503, title: 'Database unavailable', zh: '系統暫時無法使用，請稍後再試' },
  storage_full: {
    status: 503,
    title: 'Storage is full: nothing was saved; retry after Retry-After',
    zh: '系統儲存空間不足，這次的操作沒有儲存，請稍後再試',
  },
} as const satisfies Record<string, { status: number; title: string; zh: string }>;

export type ProblemCode = keyof typeof PROBLEMS;

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail?: string;
  instance?: string;
}

/** Problem type URIs resolve to the documentation of each code. */
export const PROBLEM_TYPE_BASE = 'https://healthbank.dev/problems/';

/** An error that carries its catalogue code; thrown by handlers and rendered by the error handler. */
export class ProblemError extends Error {
  override name = 'ProblemError';
  readonly status: number;
  constructor(
    readonly code: ProblemCode,
    readonly detail?: string,
  ) {
    super(detail ?? PROBLEMS[code].title);
    this.status = PROBLEMS[code].status;
  }
}

export function problemDetails(code: ProblemCode, detail?: string, instance?: string): ProblemDetails {
  const entry = PROBLEMS[code];
  return {
    type: `${PROBLEM_TYPE_BASE}${code}`,
    title: entry.title,
    status: entry.status,
    code,
    ...(detail === undefined ? {} : { detail }),
    ...(instance === undefined ? {} : { instance }),
  };
}
