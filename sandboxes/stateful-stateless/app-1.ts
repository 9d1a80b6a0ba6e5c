// Instance 1: the code is app.ts, but this instance has its own memory (its own sessions map).
import { createApp } from './app.ts';

export default createApp('app-1');
