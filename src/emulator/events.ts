// A minimal typed event emitter that runs in Node and in browsers alike.

export interface Disposable { dispose(): void }

export class Emitter<T> {
  private listeners: ((e: T) => void)[] = [];

  readonly event = (listener: (e: T) => void): Disposable => {
    this.listeners.push(listener);
    return { dispose: () => { this.listeners = this.listeners.filter((l) => l !== listener); } };
  };

  fire(e: T): void {
    for (const l of this.listeners) l(e);
  }
}
