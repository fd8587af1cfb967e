// Node 20 lacks Promise.withResolvers (ES2024); aws-local-stepfunctions calls it in every Task state.
// Import for side effects: `import '#shared/polyfills.js'`.

declare global {
  interface PromiseConstructor {
    // Method overload (not a PromiseWithResolvers redeclaration) so this merges cleanly with lib.es2024.
    withResolvers<T>(): { promise: Promise<T>; resolve: (value: T | PromiseLike<T>) => void; reject: (reason?: unknown) => void };
  }
}

/** Installs Promise.withResolvers when missing; a no-op when native or already installed. */
export function installPromiseWithResolvers(): void {
  if (typeof Promise.withResolvers === 'function') return;
  Object.defineProperty(Promise, 'withResolvers', {
    // `this` is the constructor per spec, so subclasses get instances of themselves.
    value: function withResolvers<T>(this: PromiseConstructor) {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new this<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

installPromiseWithResolvers();
