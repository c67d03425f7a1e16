/**
 * The one way the account reader calls AWS: every call is recorded by its IAM action
 * (`ec2:DescribeSubnets`), pages are followed, throttling is retried with exponential backoff and
 * full jitter, and a denied call becomes a fact not read (the reading goes on) rather than an end.
 * Only read actions are ever called: policy.ts lists them, and a test holds that list equal to
 * what this records while reading an emulated account.
 */
import { ClientOptions, loadService, Service, ServiceSdk } from './sdk';

/** A call AWS refused (AccessDenied, UnauthorizedOperation, AccessDeniedException): the fact it would have given is unknown. */
export interface Denied {
  /** The IAM action, `ec2:DescribeVpcAttribute`. */
  readonly action: string;
  /** What it was to read: `the DNS support attribute of vpc-0abc`. */
  readonly what: string;
  /** The error code AWS answered. */
  readonly code: string;
}

/**
 * A call that gave no answer the reader can use, though it did not fail the reading: denied, or an
 * operation the endpoint does not serve (an emulator's HTTP 404). Its fact is written as not read.
 */
export class NotAnswered {
  constructor(
    public readonly action: string,
    /** Why, in words for a parameter's Description: `ec2:DescribeVpcAttribute was denied: AccessDenied`. */
    public readonly why: string,
  ) {}
}

/** The reading cannot go on: a cluster not found, no credentials, an error the reader has no answer for. One line; the CLI exits 2. */
export class AccountReadError extends Error {
  constructor(message: string, public readonly code?: string) {
    super(message);
    this.name = 'AccountReadError';
  }
}

/** Error codes AWS gives for a call the caller's policy does not allow (EC2's is UnauthorizedOperation). */
export const DENIED_CODES = ['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation'];

/** Error codes AWS gives for throttling, retried with backoff. */
export const THROTTLING_CODES = ['Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException'];

/** Errors that say the credentials are missing or not valid: the reading stops at once. */
const CREDENTIAL_CODES = ['CredentialsProviderError', 'InvalidClientTokenId', 'UnrecognizedClientException', 'AuthFailure',
  'ExpiredToken', 'ExpiredTokenException', 'SignatureDoesNotMatch', 'InvalidSignatureException', 'TokenRefreshRequired'];

/** How throttling is retried. */
export interface RetryOptions {
  /** Retries after the first attempt. @default 5 */
  readonly retries?: number;
  /** The first backoff's ceiling, doubled at each retry. @default 200 */
  readonly baseDelayMs?: number;
  /** The largest backoff ceiling. @default 5000 */
  readonly maxDelayMs?: number;
  /** How to wait (tests count the waits). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface CallerOptions extends ClientOptions {
  readonly retry?: RetryOptions;
  /**
   * The page size asked of the operations that take one (MaxResults, maxResults, MaxItems):
   * small in the tests, to see pages followed. @default - each operation's largest
   */
  readonly pageSize?: number;
  /** Makes a service's SDK (tests: none; the default loads the installed client). */
  readonly load?: (service: Service, options: ClientOptions) => ServiceSdk;
}

/** How an operation pages: the name of its page-size input, its largest size, and its token's name. */
export interface Paging {
  readonly sizeKey?: 'MaxResults' | 'maxResults' | 'MaxItems';
  readonly maxSize?: number;
  readonly token: 'NextToken' | 'nextToken' | 'Marker';
}

/** A call's answer, or why there is none. */
export type Answer<T = Record<string, any>> = T | NotAnswered;

export class Caller {
  /** The IAM actions called, in the order first called. */
  public readonly actions = new Set<string>();
  /** The calls AWS refused. */
  public readonly denied: Denied[] = [];
  /** The calls without a usable answer that were not denied (an operation the endpoint does not serve). */
  public readonly unanswered: Array<{ action: string; what: string; why: string }> = [];
  /** How many requests each action took (pages and retries included). */
  public readonly requests = new Map<string, number>();
  private readonly services = new Map<Service, ServiceSdk>();

  constructor(private readonly options: CallerOptions) {}

  /** The region read. */
  public get region(): string {
    return this.options.region;
  }

  /** One call. `what` says what it reads, for the record of a denied call. */
  public async call(service: Service, operation: string, input: Record<string, unknown>, what: string): Promise<Answer> {
    const action = `${service}:${operation}`;
    this.actions.add(action);
    const sdk = this.sdk(service);
    const retry = this.options.retry ?? {};
    const retries = retry.retries ?? 5;
    const sleep = retry.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (let attempt = 0; ; attempt++) {
      this.requests.set(action, (this.requests.get(action) ?? 0) + 1);
      try {
        return await sdk.client.send(sdk.command(operation, input));
      } catch (e) {
        const code = errorCode(e);
        const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if ((THROTTLING_CODES.includes(code) || status === 429) && attempt < retries) {
          // full jitter: a random wait up to a ceiling that doubles (AWS Architecture Blog, "Exponential Backoff And Jitter")
          const ceiling = Math.min(retry.maxDelayMs ?? 5000, (retry.baseDelayMs ?? 200) * 2 ** attempt);
          await sleep(Math.random() * ceiling);
          continue;
        }
        if (THROTTLING_CODES.includes(code) || status === 429) {
          throw new AccountReadError(`${action} was still throttled after ${retries} retries (${code || `HTTP ${status}`}): try again later`, code);
        }
        if (DENIED_CODES.includes(code)) {
          this.denied.push({ action, what, code });
          return new NotAnswered(action, `${action} was denied: ${code}`);
        }
        if (CREDENTIAL_CODES.includes(code) || /credential/i.test(code)) {
          throw new AccountReadError(`no usable AWS credentials (${code}: ${firstLine(e)}): set AWS_PROFILE or --profile, or the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY variables`, code);
        }
        if (status === 404 && !/NotFound/.test(code)) {
          // an endpoint that does not serve the operation (moto has no ListAccessEntries): the fact is not read
          this.unanswered.push({ action, what, why: `HTTP 404 ${code}` });
          return new NotAnswered(action, `${action} got no answer from the endpoint (HTTP 404)`);
        }
        const network = networkError(e);
        if (network) {
          throw new AccountReadError(`${action} could not reach AWS (${network}): check the network, --region and AWS_ENDPOINT_URL`, network);
        }
        throw new AccountReadError(`${action} failed reading ${what}: ${code ? `${code}: ` : ''}${firstLine(e)}`, code);
      }
    }
  }

  /**
   * Every page of a call, following its token; `NotAnswered` when a page is refused (a list read
   * in part is a list not read).
   */
  public async pages(service: Service, operation: string, input: Record<string, unknown>, paging: Paging, what: string): Promise<Answer<Array<Record<string, any>>>> {
    const answers: Array<Record<string, any>> = [];
    const size = paging.sizeKey ? { [paging.sizeKey]: Math.min(this.options.pageSize ?? paging.maxSize ?? 100, paging.maxSize ?? 100) } : {};
    let token: string | undefined;
    do {
      const answer = await this.call(service, operation, { ...input, ...size, ...(token ? { [paging.token]: token } : {}) }, what);
      if (answer instanceof NotAnswered) return answer;
      answers.push(answer);
      const next = answer[paging.token === 'Marker' ? 'Marker' : paging.token];
      token = paging.token === 'Marker' ? (answer.IsTruncated ? next : undefined) : next;
    } while (token);
    return answers;
  }

  /** Closes the clients' connections. */
  public close(): void {
    for (const sdk of this.services.values()) sdk.client.destroy?.();
    this.services.clear();
  }

  private sdk(service: Service): ServiceSdk {
    let sdk = this.services.get(service);
    if (!sdk) {
      sdk = (this.options.load ?? loadService)(service, this.options);
      this.services.set(service, sdk);
    }
    return sdk;
  }
}

/** The error code of an SDK error: its name (`AccessDenied`), else its `Code`. */
function errorCode(e: unknown): string {
  const error = e as { name?: string; Code?: string; code?: string };
  if (error.name && error.name !== 'Error') return error.name;
  return error.Code ?? '';
}

/** The Node.js error code of a connection that failed (the SDK wraps it: "AWS SDK error wrapper for Error: connect ECONNREFUSED ..."). */
function networkError(e: unknown): string | undefined {
  const error = e as { code?: string; cause?: { code?: string }; message?: string; name?: string };
  const code = [error.code, error.cause?.code].find((c) => typeof c === 'string' && /^E[A-Z_]+$/.test(c));
  return code ?? /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN)\b/.exec(String(error.message))?.[1]
    ?? (error.name === 'TimeoutError' ? 'TimeoutError' : undefined);
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0].trim();
}
