import { createServer, request as httpRequest, type Server } from 'node:http';

/** One AWS API call as it left an SDK client: who signed it, which action, with which parameters. */
export interface RecordedCall {
  readonly accessKeyId: string;
  readonly service: string;
  /** IAM's name for it, e.g. dynamodb:PutItem, iam:PutRolePolicy. */
  readonly action: string;
  readonly params: Record<string, unknown>;
  readonly response: string;
  /** When the request reached the proxy and when its response was sent back (performance.now(), ms). */
  readonly startedAt: number;
  readonly endedAt: number;
}

/** Added time per call, e.g. published service latencies; none by default. `Infinity`: the request is
 * held and never forwarded (a caller killed while waiting). */
export type Latency = (service: string, action: string) => number;

const TARGET_PREFIXES: Record<string, string> = { DynamoDB_20120810: 'dynamodb', AmazonSQS: 'sqs', AWSOrganizationsV20161128: 'organizations', AWSEvents: 'events' };

/** Form-encoded query protocol (IAM, STS, SNS): flat keys such as Tags.member.1.Key. */
function formParams(body: string): Record<string, unknown> {
  return Object.fromEntries(new URLSearchParams(body));
}

/**
 * An HTTP proxy in front of the moto server that records every call passing through it: the SDK clients
 * of the function under test are pointed at it with AWS_ENDPOINT_URL.
 */
export async function startRecordingProxy(upstream: string, latency: Latency = () => 0): Promise<{ endpoint: string; calls: RecordedCall[]; close: () => Promise<void> }> {
  const calls: RecordedCall[] = [];
  const target = new URL(upstream);
  const server: Server = createServer((req, res) => {
    const startedAt = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const auth = String(req.headers.authorization ?? '');
      const credential = /Credential=([^/]+)\/[^/]+\/[^/]+\/([^/]+)\//.exec(auth);
      const amzTarget = req.headers['x-amz-target'] as string | undefined;
      const text = body.toString('utf8');
      let service = credential?.[2] ?? 'unknown';
      let action: string;
      let params: Record<string, unknown>;
      if (amzTarget) {
        const [prefix, name] = amzTarget.split('.');
        service = TARGET_PREFIXES[prefix!] ?? service;
        action = `${service}:${name}`;
        params = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } else {
        params = formParams(text);
        action = `${service}:${String(params.Action)}`;
      }
      const delay = latency(service, action);
      if (delay === Number.POSITIVE_INFINITY) return; // held: never forwarded, never answered
      const forward = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
        (upstreamResponse) => {
          const out: Buffer[] = [];
          upstreamResponse.on('data', (c: Buffer) => out.push(c));
          upstreamResponse.on('end', () => {
            const responseBody = Buffer.concat(out);
            const reply = () => {
              calls.push({ accessKeyId: credential?.[1] ?? 'anonymous', service, action, params, response: responseBody.toString('utf8'), startedAt, endedAt: performance.now() });
              res.writeHead(upstreamResponse.statusCode ?? 500, upstreamResponse.headers);
              res.end(responseBody);
            };
            // The added latency counts from the request's arrival, moto's own time included.
            const wait = delay - (performance.now() - startedAt);
            if (wait > 0) setTimeout(reply, wait);
            else reply();
          });
        },
      );
      forward.on('error', (error) => {
        res.writeHead(502);
        res.end(String(error));
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { endpoint: `http://127.0.0.1:${port}`, calls, close: () => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }) };
}
