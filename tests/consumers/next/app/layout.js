export const metadata = { title: 'vendo-connect: Next.js 16' };

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
