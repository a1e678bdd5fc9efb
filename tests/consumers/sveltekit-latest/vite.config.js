// The latest SvelteKit (its configuration is the plugin's argument since SvelteKit 3),
// prerendered to static files (adapter-static): nothing for vendo-connect.
import adapter from '@sveltejs/adapter-static';
import { sveltekit } from '@sveltejs/kit/vite';

export default { plugins: [sveltekit({ adapter: adapter() })] };
