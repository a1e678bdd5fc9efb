// SvelteKit, prerendered to static files (adapter-static): nothing for vendo-connect.
import adapter from '@sveltejs/adapter-static';

export default { kit: { adapter: adapter() } };
