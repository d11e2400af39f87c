// The dashboard's entry (bundled by scripts/build-dashboard.js into dist/dashboard/, served at /app/).
import { render } from 'preact';
import { App } from './app';
import './styles.css';

render(<App />, document.getElementById('app')!);
