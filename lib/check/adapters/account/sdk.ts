/**
 * The AWS SDK for JavaScript v3 clients the account reader calls, loaded with `require` only when
 * a reading starts: `check` on files never loads them (test/check/adapters/account/sdk.test.ts).
 * They are not dependencies of this package (jsii refuses a non-jsii peer dependency): a project
 * that reads its account installs them, and without them the reader stops with the one line that
 * says how.
 */

/** The services the reader calls, by the prefix of their IAM actions. */
export type Service = 'ec2' | 'eks' | 'route53resolver' | 'iam';

/** The npm package of each service's client. */
export const SDK_PACKAGES: Record<Service, string> = {
  ec2: '@aws-sdk/client-ec2',
  eks: '@aws-sdk/client-eks',
  route53resolver: '@aws-sdk/client-route53resolver',
  iam: '@aws-sdk/client-iam',
};

/** The command that installs every client the reader needs. */
export const INSTALL_LINE = `npm install -D ${Object.values(SDK_PACKAGES).join(' ')}`;

/** The reader cannot start: a client package is missing. The CLI prints the message (one line) and exits 2. */
export class AccountSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AccountSetupError';
  }
}

/** What the reader needs of an SDK v3 client: `send` a command. */
export interface SdkClient {
  send(command: unknown): Promise<Record<string, unknown>>;
  destroy?(): void;
}

/** One service's client and a way to make its commands by operation name (`DescribeSubnets`). */
export interface ServiceSdk {
  readonly client: SdkClient;
  command(operation: string, input: Record<string, unknown>): unknown;
}

/**
 * Options for the clients: region, credentials (else the SDK's default chain: environment,
 * profile, SSO, instance role), an endpoint (moto in the tests; `AWS_ENDPOINT_URL` works too).
 * The SDK's own retries are turned off: the caller retries throttling itself, the one way it is
 * counted and tested.
 */
export interface ClientOptions {
  readonly region: string;
  readonly profile?: string;
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
}

type Loader = (name: string) => Record<string, unknown>;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeRequire: Loader = (name) => require(name);

/**
 * Loads one service's client package and makes its client. `load` is Node's require unless a test
 * gives another (to see the missing-package line without uninstalling anything).
 */
export function loadService(service: Service, options: ClientOptions, load: Loader = nodeRequire): ServiceSdk {
  const name = SDK_PACKAGES[service];
  let module: Record<string, unknown>;
  try {
    module = load(name);
  } catch (e) {
    if ((e as { code?: string }).code === 'MODULE_NOT_FOUND' || /Cannot find module/.test((e as Error).message)) {
      throw new AccountSetupError(`reading the account needs the AWS SDK clients, and ${name} is not installed: run ${INSTALL_LINE}`);
    }
    throw e;
  }
  const clientClass = Object.entries(module).find(([key, value]) => key.endsWith('Client') && key !== 'Client' && typeof value === 'function'
    && !key.startsWith('__'))?.[1] as (new (config: Record<string, unknown>) => SdkClient) | undefined;
  if (!clientClass) throw new AccountSetupError(`${name} has no client class: reinstall it (${INSTALL_LINE})`);
  const client = new clientClass({
    region: options.region,
    maxAttempts: 1,
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  return {
    client,
    command: (operation, input) => {
      const commandClass = module[`${operation}Command`] as (new (input: Record<string, unknown>) => unknown) | undefined;
      if (typeof commandClass !== 'function') throw new AccountSetupError(`${name} has no ${operation}Command: update it (${INSTALL_LINE})`);
      return new commandClass(input);
    },
  };
}
