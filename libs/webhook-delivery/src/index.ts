export { byteLength, handleDelivery, MAX_BODY_BYTES } from './lib/handle-delivery';
export type { DeliveryOutcome, WebhookDependencies } from './lib/handle-delivery';
export { jsonResponse, toHttpRequest } from './lib/http-event';
export type { HttpRequest, HttpResponse, LambdaHttpEvent } from './lib/http-event';
