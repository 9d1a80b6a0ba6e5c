// Instance 2: the same code, carrying the traffic while app-1 restarts.
import { createApp } from './app.ts';

export default createApp('app-2');
