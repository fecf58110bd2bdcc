// The instructors' console: a single page in the State's design system (DSFR), on the API's
// typed client. Routes are the URL's hash (#/dossiers/…): the service serves one page.
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, call, onSessionLost, refresh, type Schemas, signIn, signOut } from './api.js';
import { Dashboard } from './pages/dashboard.js';
import { Dossier } from './pages/dossier.js';
import { Dossiers } from './pages/dossiers.js';
import { Reports } from './pages/reports.js';
import { Seances } from './pages/seances.js';
import { Field, formValues, Refusal } from './ui.js';
import type { Problem } from './api.js';

export type Me = Schemas['MeDto'];

const ROLE_WORDS: Record<string, string> = {
  ADMIN: 'administration',
  INSTRUCTOR: 'instruction',
  DIRECTOR: 'direction générale',
  PARTNER: 'partenaire',
  AUDITOR: 'contrôle',
  REPORTING: 'rapports',
};

function useRoute(): string {
  const [hash, setHash] = useState(window.location.hash || '#/');
  useEffect(() => {
    const on = () => setHash(window.location.hash || '#/');
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return hash;
}

const NAV = [
  ['#/', 'Tableau de bord'],
  ['#/dossiers', 'Dossiers'],
  ['#/seances', 'Séances CARPEC'],
  ['#/rapports', 'Rapports'],
] as const;

/** The State's block mark (its CSS draws the Marianne and the motto). */
const Marianne = () => (
  <p class="fr-logo">
    République
    <br />
    Française
  </p>
);

function Header({ me, route, onSignOut }: { me: Me | undefined; route: string; onSignOut: () => void }) {
  return (
    <header role="banner" class="fr-header">
      <div class="fr-header__body">
        <div class="fr-container">
          <div class="fr-header__body-row">
            <div class="fr-header__brand fr-enlarge-link">
              <div class="fr-header__brand-top">
                <div class="fr-header__logo">
                  <Marianne />
                </div>
              </div>
              <div class="fr-header__service">
                <a href="#/" title="Accueil — Financement des maisons et centres de santé">
                  <p class="fr-header__service-title">Financement des maisons et centres de santé</p>
                </a>
                <p class="fr-header__service-tagline">Console d’instruction de l’ARS et de ses partenaires</p>
              </div>
            </div>
            {me && (
              <div class="fr-header__tools">
                <div class="fr-header__tools-links">
                  <ul class="fr-btns-group">
                    <li>
                      <span class="fr-btn fr-icon-account-circle-line">
                        {me.displayName ?? me.email ?? me.name} — {me.organizationName} ({ROLE_WORDS[me.role] ?? me.role})
                      </span>
                    </li>
                    <li>
                      <button type="button" class="fr-btn fr-icon-logout-box-r-line" onClick={onSignOut}>
                        Se déconnecter
                      </button>
                    </li>
                  </ul>
                </div>
              </div>
            )}
          </div>
        </div>
      </div>
      {me && (
        <div class="fr-header__menu">
          <div class="fr-container">
            <nav class="fr-nav" role="navigation" aria-label="Menu principal">
              <ul class="fr-nav__list">
                {NAV.map(([href, label]) => {
                  const current = href === '#/' ? route === '#/' : route.startsWith(href);
                  return (
                    <li class="fr-nav__item">
                      <a class="fr-nav__link" href={href} aria-current={current ? 'page' : undefined}>
                        {label}
                      </a>
                    </li>
                  );
                })}
              </ul>
            </nav>
          </div>
        </div>
      )}
    </header>
  );
}

function SignIn({ onSignedIn, ended }: { onSignedIn: () => void; ended: boolean }) {
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  // Said where the focus is: the link pressed has gone with the menu.
  const endedNotice = useRef<HTMLDivElement>(null);
  useEffect(() => endedNotice.current?.focus(), []);
  const submit = async (event: Event) => {
    event.preventDefault();
    const { email, password } = formValues(event);
    setBusy(true);
    const refused = await signIn(email, password);
    setBusy(false);
    if (refused) setProblem(refused);
    else onSignedIn();
  };
  return (
    <div class="fr-grid-row fr-grid-row--center">
      <div class="fr-col-12 fr-col-md-6">
        <h1>Connexion</h1>
        {ended && !problem && (
          <div class="fr-alert fr-alert--info fr-mb-3w" role="status" tabIndex={-1} ref={endedNotice}>
            <p>Votre session a pris fin (expirée, ou fermée depuis un autre onglet) : reconnectez-vous pour reprendre où vous étiez ; ce que vous aviez saisi est conservé.</p>
          </div>
        )}
        {problem && <Refusal problem={problem} words={problem.status === 401 ? 'Adresse électronique ou mot de passe incorrect.' : undefined} />}
        <form onSubmit={(e) => void submit(e)} aria-label="Connexion">
          <fieldset class="fr-fieldset">
            <legend class="fr-fieldset__legend">Votre compte (le même que pour l’API)</legend>
            <div class="fr-fieldset__element">
              <Field id="email" label="Adresse électronique">
                <input class="fr-input" id="email" name="email" type="email" autocomplete="username" required />
              </Field>
            </div>
            <div class="fr-fieldset__element">
              <Field id="password" label="Mot de passe">
                <input class="fr-input" id="password" name="password" type="password" autocomplete="current-password" required />
              </Field>
            </div>
            <div class="fr-fieldset__element">
              <button class="fr-btn" type="submit" disabled={busy}>
                Se connecter
              </button>
            </div>
          </fieldset>
        </form>
      </div>
    </div>
  );
}

function App() {
  const route = useRoute();
  const [me, setMe] = useState<Me | null>();
  const [ended, setEnded] = useState(false);
  const load = async () => {
    const answer = await call(() => api.GET('/api/v1/me'));
    setMe(answer.data ?? null);
  };
  useEffect(() => {
    // The page stays (hidden) under the sign-in form: what was typed is there after signing in again.
    onSessionLost(() => setEnded(true));
    void refresh().then((renewal) => (renewal === 'renewed' ? load() : setMe(null)));
  }, []);
  // Each page says where it is: its title, and the focus on its heading.
  useEffect(() => {
    const h1 = document.querySelector('main h1');
    if (h1 instanceof HTMLElement) {
      document.title = `${h1.textContent} — Financement des maisons et centres de santé`;
    }
  });
  const [path, query = ''] = route.slice(1).split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean);
  const signInForm = (
    <SignIn
      ended={ended}
      onSignedIn={() => {
        setEnded(false);
        void load();
      }}
    />
  );
  let page;
  if (me === undefined) page = <p aria-busy="true">Chargement…</p>;
  else if (me === null) page = signInForm;
  else if (parts[0] === 'dossiers' && parts[1]) page = <Dossier key={parts[1]} id={parts[1]} me={me} />;
  else if (parts[0] === 'dossiers') page = <Dossiers me={me} params={params} />;
  else if (parts[0] === 'seances') page = <Seances key={parts[1] ?? 'list'} id={parts[1]} me={me} />;
  else if (parts[0] === 'rapports') page = <Reports me={me} params={params} />;
  else page = <Dashboard me={me} />;
  return (
    <>
      <div class="fr-skiplinks">
        <nav class="fr-container" role="navigation" aria-label="Accès rapide">
          <ul class="fr-skiplinks__list">
            <li>
              <a class="fr-link" href="#contenu" onClick={(e) => (e.preventDefault(), document.getElementById('contenu')?.focus())}>
                Contenu
              </a>
            </li>
          </ul>
        </nav>
      </div>
      <Header
        me={ended ? undefined : (me ?? undefined)}
        route={route}
        onSignOut={() =>
          void signOut().then(() => {
            setMe(null);
            window.location.hash = '#/';
          })
        }
      />
      <main role="main" id="contenu" tabIndex={-1} class="fr-container fr-py-4w">
        {me && ended && signInForm}
        {/* Keyed by the account: another one signing in gets fresh pages, not the hidden ones. */}
        <div key={me?.id} hidden={Boolean(me && ended)}>
          {page}
        </div>
      </main>
      <footer class="fr-footer" role="contentinfo">
        <div class="fr-container">
          <div class="fr-footer__body">
            <div class="fr-footer__brand">
              <Marianne />
            </div>
            <div class="fr-footer__content">
              <p class="fr-footer__content-desc">Agence régionale de santé — financement public des maisons et centres de santé. API et documentation : /docs.</p>
            </div>
          </div>
        </div>
      </footer>
    </>
  );
}

// The page's "loading" line gives way to the application.
const root = document.getElementById('app')!;
root.replaceChildren();
render(<App />, root);
