/**
 * The bench's Salesforce in a thread of its own (still in the bench's process): Salesforce does its
 * work on its own servers, so the sandbox's CPU should not share the push engine's event loop — nor
 * the baseline's. `startSandboxThread` answers what `startSandbox` answers, over a message.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../src/sandbox/server.ts';

export async function startSandboxThread(options: SandboxOptions): Promise<RunningSandbox> {
  const thread = new Worker(new URL('./sandbox-thread.js', import.meta.url), { workerData: options });
  const info = await new Promise<Omit<RunningSandbox, 'close'>>((resolve, reject) => {
    thread.once('message', resolve);
    thread.once('error', reject);
  });
  return {
    ...info,
    async close() {
      thread.postMessage('close');
      await new Promise((resolve) => thread.once('exit', resolve));
    },
  };
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const sb = await startSandbox(workerData as SandboxOptions);
  port.postMessage({ url: sb.url, clientId: sb.clientId, clientSecret: sb.clientSecret, username: sb.username, password: sb.password });
  port.once('message', async () => {
    await sb.close();
    port.close();
  });
}
