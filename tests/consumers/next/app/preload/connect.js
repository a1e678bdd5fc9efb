'use client';
// The preload recipe's other half: the wasm from the URL the page preloads, asked for in the
// same turn as the import (before the package starts its own load). The button is the app's.
import { init } from 'vendo-connect';
import Connect from '../connect';

if (typeof window === 'object') init({ module_or_path: '/vendo_connect_bg.wasm' });

export default Connect;
