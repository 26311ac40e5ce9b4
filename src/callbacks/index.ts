export { allowedCallbackUrl, loggableUrl } from './allow-list.js';
export { createCallbackSender, type CallbackSender } from './sender.js';
