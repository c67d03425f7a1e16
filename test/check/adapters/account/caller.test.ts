import * as http from 'http';
import { AddressInfo } from 'net';
import { AccountReadError, Caller, NotAnswered } from '../../../../lib/check/adapters/account/caller';
import { DUMMY_CREDENTIALS } from '../../../support/moto';

/**
 * The caller's handling of AWS's answers, over real HTTP with the real SDK: a small local server
 * answers as EC2 and EKS answer (their XML and JSON error bodies), one scripted answer per request.
 * Denial by an IAM policy and pages are tested against moto (read-cluster.test.ts, read-network.test.ts).
 */
interface Scripted {
  readonly status: number;
  readonly body: string;
  readonly headers?: Record<string, string>;
}

const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const ec2Error = (status: number, code: string, message: string): Scripted => ({
  status, body: `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>r-1</RequestID></Response>`,
});
const vpcAttribute = (value: boolean): Scripted => ({
  status: 200, body: `<DescribeVpcAttributeResponse xmlns="${EC2_NS}"><requestId>r-2</requestId><vpcId>vpc-1</vpcId><enableDnsSupport><value>${value}</value></enableDnsSupport></DescribeVpcAttributeResponse>`,
});

/** A local server that answers each request with the next scripted answer, and records the actions asked. */
async function scriptedServer(answers: Scripted[]): Promise<{ endpoint: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push(/Action=(\w+)/.exec(body)?.[1] ?? `${req.method} ${req.url}`);
      const answer = answers.shift() ?? { status: 500, body: 'no more answers' };
      res.writeHead(answer.status, { 'content-type': answer.body.startsWith('<') ? 'text/xml' : 'application/json', ...answer.headers });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('Caller', () => {
  const waits: number[] = [];
  const callerFor = (endpoint: string, retries = 3) => new Caller({
    region: 'us-east-1', endpoint, credentials: DUMMY_CREDENTIALS,
    retry: { retries, baseDelayMs: 100, maxDelayMs: 1000, sleep: async (ms) => { waits.push(ms); } },
  });
  beforeEach(() => waits.splice(0));

  test('retries a throttled call with backoff and returns the answer that follows', async () => {
    // GIVEN EC2 throttles the first two requests (RequestLimitExceeded, HTTP 503), then answers
    const server = await scriptedServer([ec2Error(503, 'RequestLimitExceeded', 'Request limit exceeded.'), ec2Error(400, 'Throttling', 'Rate exceeded'), vpcAttribute(true)]);
    const caller = callerFor(server.endpoint);
    try {
      // WHEN the caller asks once
      const answer = await caller.call('ec2', 'DescribeVpcAttribute', { VpcId: 'vpc-1', Attribute: 'enableDnsSupport' }, 'the DNS support of vpc-1');
      // THEN it asked three times, waited twice within the doubling ceilings (full jitter), and has the answer
      expect(server.requests).toEqual(['DescribeVpcAttribute', 'DescribeVpcAttribute', 'DescribeVpcAttribute']);
      expect(waits).toHaveLength(2);
      expect(waits[0]).toBeGreaterThanOrEqual(0);
      expect(waits[0]).toBeLessThanOrEqual(100);
      expect(waits[1]).toBeLessThanOrEqual(200);
      expect((answer as Record<string, any>).EnableDnsSupport).toEqual({ Value: true });
      expect([...caller.actions]).toEqual(['ec2:DescribeVpcAttribute']);
    } finally {
      caller.close();
      await server.close();
    }
  });

  test('refuses to go on when throttling outlasts the retries, in one line', async () => {
    const server = await scriptedServer([1, 2, 3].map(() => ec2Error(503, 'RequestLimitExceeded', 'Request limit exceeded.')));
    const caller = callerFor(server.endpoint, 2);
    try {
      await expect(caller.call('ec2', 'DescribeVpcs', {}, 'the VPCs')).rejects.toThrow(
        new AccountReadError('ec2:DescribeVpcs was still throttled after 2 retries (RequestLimitExceeded): try again later'));
      expect(server.requests).toHaveLength(3);
    } finally {
      caller.close();
      await server.close();
    }
  });

  test('records a denied call (EC2\'s UnauthorizedOperation, EKS\'s AccessDeniedException) and answers that it is not read', async () => {
    const server = await scriptedServer([
      ec2Error(403, 'UnauthorizedOperation', 'You are not authorized to perform this operation.'),
      { status: 403, body: JSON.stringify({ message: 'User is not authorized to perform: eks:ListNodegroups' }), headers: { 'x-amzn-errortype': 'AccessDeniedException' } },
    ]);
    const caller = callerFor(server.endpoint);
    try {
      const attribute = await caller.call('ec2', 'DescribeVpcAttribute', { VpcId: 'vpc-1', Attribute: 'enableDnsSupport' }, 'the DNS support of vpc-1');
      const groups = await caller.pages('eks', 'ListNodegroups', { clusterName: 'demo' }, { sizeKey: 'maxResults', maxSize: 100, token: 'nextToken' }, 'the node groups of demo');
      expect(attribute).toEqual(new NotAnswered('ec2:DescribeVpcAttribute', 'ec2:DescribeVpcAttribute was denied: UnauthorizedOperation'));
      expect(groups).toEqual(new NotAnswered('eks:ListNodegroups', 'eks:ListNodegroups was denied: AccessDeniedException'));
      expect(caller.denied).toEqual([
        { action: 'ec2:DescribeVpcAttribute', what: 'the DNS support of vpc-1', code: 'UnauthorizedOperation' },
        { action: 'eks:ListNodegroups', what: 'the node groups of demo', code: 'AccessDeniedException' },
      ]);
      expect(waits).toEqual([]);
    } finally {
      caller.close();
      await server.close();
    }
  });

  test('fails in one line when no credentials can be found, without asking AWS', async () => {
    // GIVEN no credentials anywhere the SDK's default chain looks (environment, files, instance metadata)
    const saved = { ...process.env };
    for (const name of Object.keys(process.env)) if (/^AWS_/.test(name)) delete process.env[name];
    Object.assign(process.env, { AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', AWS_CONFIG_FILE: '/nonexistent/config', AWS_EC2_METADATA_DISABLED: 'true' });
    const server = await scriptedServer([]);
    const caller = new Caller({ region: 'us-east-1', endpoint: server.endpoint });
    try {
      // WHEN a call is made
      const call = caller.call('ec2', 'DescribeVpcs', {}, 'the VPCs');
      // THEN one line says what is missing and how to give it, and nothing was sent
      await expect(call).rejects.toThrow(AccountReadError);
      await expect(call).rejects.toThrow(/^no usable AWS credentials \(CredentialsProviderError: [^\n]*\): set AWS_PROFILE or --profile, or the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY variables$/);
      expect(server.requests).toEqual([]);
    } finally {
      process.env = saved;
      caller.close();
      await server.close();
    }
  });

  test('fails in one line naming the action when AWS cannot be reached', async () => {
    const server = await scriptedServer([]);
    await server.close();
    const caller = callerFor(server.endpoint);
    try {
      await expect(caller.call('ec2', 'DescribeVpcs', {}, 'the VPCs')).rejects.toThrow(/^ec2:DescribeVpcs could not reach AWS \(ECONNREFUSED\)/);
    } finally {
      caller.close();
    }
  });
});
