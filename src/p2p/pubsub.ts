/**
 * The slice of gossipsub the pool uses. libp2p 3 has no shared PubSub type, so this structural
 * interface keeps callers independent of the implementation.
 */
export interface PubSubMessage {
  topic: string;
  data: Uint8Array;
}

export interface PubSub {
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  publish(topic: string, data: Uint8Array): Promise<unknown>;
  getSubscribers(topic: string): unknown[];
  addEventListener(type: "message", listener: (event: CustomEvent<PubSubMessage>) => void): void;
  removeEventListener(type: "message", listener: (event: CustomEvent<PubSubMessage>) => void): void;
}
