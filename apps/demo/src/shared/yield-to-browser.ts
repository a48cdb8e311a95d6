/**
 * Lets the browser paint and handle input between training steps: resolves on a new macrotask
 * (a `MessageChannel` message, which, unlike `setTimeout`, is not clamped to 4 ms). Without it
 * a training loop that only awaits promises keeps the page frozen until it ends.
 *
 * @returns Resolves after pending events have run.
 * @example
 * onProgress: async () => { await yieldToBrowser(); }
 */
export function yieldToBrowser(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(undefined);
  });
}
