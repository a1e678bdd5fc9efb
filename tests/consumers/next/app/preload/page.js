// The npm README's preload recipe for Next.js (both bundlers rename the wasm they emit): the
// package's wasm copied into public/ (package.json's "prebuild"), preloaded here from the
// server render, and loaded from that URL by ./connect.js.
import { preload } from 'react-dom';
import Connect from './connect';

export default function Page() {
  preload('/vendo_connect_bg.wasm', { as: 'fetch', type: 'application/wasm', crossOrigin: 'anonymous' });
  return (
    <main>
      <Connect />
    </main>
  );
}
