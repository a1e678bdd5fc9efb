// Astro, static output: nothing for vendo-connect.
export default {};
