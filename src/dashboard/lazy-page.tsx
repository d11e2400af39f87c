/**
 * Pages other than the overview are loaded when first opened (esbuild splits them into their own
 * files), so the first load ships only what the overview needs.
 */
import type { ComponentType, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useI18n } from './i18n';

export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): (props: P) => JSX.Element {
  let loaded: ComponentType<P> | undefined;
  return function LazyPage(props: P) {
    const { t } = useI18n();
    const [Page, setPage] = useState<ComponentType<P> | undefined>(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (loaded) return;
      load()
        .then((component) => {
          loaded = component;
          setPage(() => component);
        })
        .catch(() => setFailed(true));
    }, []);
    if (failed) return <p class="error">{t('error_generic')}</p>;
    return Page ? <Page {...props} /> : <p aria-busy="true">{t('loading')}</p>;
  };
}
