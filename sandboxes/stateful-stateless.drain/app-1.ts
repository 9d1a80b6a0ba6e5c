// Instance 1: the one the deploy restarts.
import { createApp } from './app.ts';

export default createApp('app-1');
