// A call's mapping checked against a démarche's champs, and the conversions of DS values.
import { changesBetween, countOf, type DossierChamp, type DossierValues, eurosToCents, type MappedField, mappingProblems, readDossier, sirenOf } from '../../src/calls/mapping.js';

const CHAMPS = [
  { id: 'c-nom', type: 'TextChampDescriptor', label: 'Nom du porteur' },
  { id: 'c-projet', type: 'TextChampDescriptor', label: 'Nom du projet' },
  { id: 'c-commune', type: 'CommuneChampDescriptor', label: 'Commune d’implantation' },
  { id: 'c-siret', type: 'SiretChampDescriptor', label: 'SIRET' },
  { id: 'c-travaux', type: 'DecimalNumberChampDescriptor', label: 'Travaux (€)' },
  { id: 'c-date', type: 'DateChampDescriptor', label: 'Visite sur site' },
  { id: 'c-projet-sante', type: 'PieceJustificativeChampDescriptor', label: 'Projet de santé' },
];
const MINIMAL: MappedField[] = [
  { champId: 'c-nom', target: 'promoter.name' },
  { champId: 'c-projet', target: 'project.name' },
  { champId: 'c-commune', target: 'project.commune' },
];

describe('mappingProblems', () => {
  it('takes a mapping whose champs exist with the types their targets take', () => {
    expect(
      mappingProblems(
        [
          ...MINIMAL,
          { champId: 'c-siret', target: 'promoter.siren' },
          { champId: 'c-travaux', target: 'expense', category: 'IMMOBILIER', nature: 'WORKS', label: 'Travaux' },
          { champId: 'c-date', target: 'siteMeeting.heldOn' },
          { champId: 'c-projet-sante', target: 'document', kind: 'PROJET_DE_SANTE' },
        ],
        CHAMPS,
      ),
    ).toEqual([]);
  });

  it('names unknown champs, wrong types, missing details, targets fed twice or not at all', () => {
    const problems = mappingProblems(
      [
        { champId: 'c-nom', target: 'promoter.name' },
        { champId: 'c-inconnu', target: 'project.name' },
        { champId: 'c-date', target: 'project.commune' },
        { champId: 'c-travaux', target: 'expense' },
        { champId: 'c-projet-sante', target: 'document' },
        { champId: 'c-projet', target: 'promoter.name' },
      ],
      CHAMPS,
    );
    expect(problems).toEqual([
      { field: 'fields[1].champId', message: 'the démarche has no champ c-inconnu (in its active revision)' },
      { field: 'fields[2].champId', message: 'champ c-date ("Visite sur site") is a DateChampDescriptor; project.commune takes CommuneChampDescriptor or TextChampDescriptor' },
      { field: 'fields[3].category', message: 'an expense needs its category' },
      { field: 'fields[4].kind', message: 'a pièce needs its kind' },
      { field: 'fields', message: 'promoter.name is fed by 2 champs (c-nom, c-projet); one at most' },
    ]);
    expect(mappingProblems([MINIMAL[0], MINIMAL[2]], CHAMPS)).toEqual([{ field: 'fields', message: 'project.name is fed by no champ: a dossier cannot be created without it' }]);
  });
});

describe('conversions', () => {
  it.each([
    ['125000.5', 12_500_050n],
    ['125 000,50', 12_500_050n],
    ['1 250,00 €', 125_000n],
    ['1\u202f250,5', 125_050n],
    ['0', 0n],
    ['-12.3', -1230n],
    ['12.345', null],
    ['douze', null],
    ['', null],
    [null, null],
  ])('euros %p → %p cents', (text, cents) => expect(eurosToCents(text)).toBe(cents));

  it('takes a SIREN from a SIRET or as typed', () => {
    expect(sirenOf('21430040500017')).toBe('214300405');
    expect(sirenOf('214 300 405')).toBe('214300405');
    expect(sirenOf('2143004')).toBeNull();
  });

  it('counts people from integer or decimal text', () => {
    expect(countOf('12')).toBe(12);
    expect(countOf('12.0')).toBe(12);
    expect(countOf('4 000')).toBe(4000);
    expect(countOf('12.5')).toBeNull();
    expect(countOf(null)).toBeNull();
  });
});

describe('readDossier', () => {
  const FIELDS: MappedField[] = [
    ...MINIMAL,
    { champId: 'c-siret', target: 'promoter.siren' },
    { champId: 'c-travaux', target: 'expense', category: 'IMMOBILIER', nature: 'WORKS', label: 'Travaux' },
    { champId: 'c-date', target: 'siteMeeting.heldOn' },
    { champId: 'c-projet-sante', target: 'document', kind: 'PROJET_DE_SANTE' },
  ];
  const file = { filename: 'projet.pdf', contentType: 'application/pdf', byteSizeBigInt: '1234', checksum: 'q83vEjRWeJCrze8SNFZ4kA==', url: 'https://ds.example/f/1' };
  const champs = (o: Record<string, Partial<DossierChamp> | null> = {}): DossierChamp[] =>
    (
      [
        ['c-nom', { stringValue: 'SISA Les Tilleuls' }],
        ['c-projet', { stringValue: 'MSP du plateau' }],
        ['c-commune', { stringValue: 'Brioude (43300)', commune: { code: '43040', postalCode: '43100' } }],
        ['c-siret', { stringValue: '821 430 040 00017', etablissement: { siret: '82143004000017' } }],
        ['c-travaux', { stringValue: '412 500,50' }],
        ['c-date', { stringValue: '20 novembre 2026', date: '2026-11-20' }],
        ['c-projet-sante', { stringValue: 'projet.pdf', files: [file] }],
      ] as [string, Partial<DossierChamp>][]
    )
      .filter(([id]) => o[id] !== null)
      .map(([id, c]) => ({ champDescriptorId: id, label: CHAMPS.find((x) => x.id === id)!.label, stringValue: null, ...c, ...o[id] }));

  it('converts every mapped champ, with the defaults where no champ feeds a field', () => {
    expect(readDossier(champs(), FIELDS, { doctorsPlanned: 3, populationServed: 4200 }, '2026-12-03')).toEqual({
      values: {
        promoter: { name: 'SISA Les Tilleuls', siren: '821430040' },
        project: { name: 'MSP du plateau', commune: { code: '43040', postalCode: '43100' }, doctorsPlanned: 3, professionalsPlanned: 0, populationServed: 4200 },
        siteMeetingHeldOn: '2026-11-20',
        expenses: [{ category: 'IMMOBILIER', nature: 'WORKS', label: 'Travaux', amountCents: '41250050' }],
      },
      pieces: [
        {
          champId: 'c-projet-sante',
          kind: 'PROJET_DE_SANTE',
          label: 'Projet de santé',
          filename: 'projet.pdf',
          contentType: 'application/pdf',
          size: 1234n,
          checksum: file.checksum,
          url: file.url,
        },
      ],
    });
  });

  it('refuses a dossier whole, naming every champ that cannot be read', () => {
    const reading = readDossier(
      champs({
        'c-nom': null,
        'c-projet': { stringValue: '  ' },
        'c-travaux': { stringValue: 'douze mille' },
        'c-date': { date: '2027-01-01' },
        'c-siret': { etablissement: null, stringValue: '123' },
      }),
      FIELDS,
      {},
      '2026-12-03',
    );
    expect(reading).toEqual({
      problems: [
        "champ (c-nom, promoter.name) is not in the dossier: the démarche's revision may have changed since the mapping was saved",
        'champ "SIRET" (c-siret, promoter.siren): "123" is neither a SIRET (14 digits) nor a SIREN (9 digits)',
        'champ "Nom du projet" (c-projet, project.name) is empty; the dossier cannot be created without it',
        'champ "Visite sur site" (c-date, siteMeeting.heldOn): "2027-01-01" is not a date, or is in the future',
        'champ "Travaux (€)" (c-travaux, expense): "douze mille" is not an amount in euros (at most 2 decimals)',
      ],
    });
  });

  it('takes a postal code typed in a text champ as the commune to look up, and leaves out empty optional champs', () => {
    const fields: MappedField[] = [...MINIMAL.slice(0, 2), { champId: 'c-cp', target: 'project.commune' }, { champId: 'c-travaux', target: 'expense', category: 'IMMOBILIER' }];
    const reading = readDossier(
      [...champs({ 'c-travaux': { stringValue: null } }), { champDescriptorId: 'c-cp', label: 'Code postal', stringValue: '43 100' }],
      fields,
      {},
      '2026-12-03',
    );
    expect(reading).toMatchObject({ values: { project: { commune: { code: '43100', postalCode: null } }, expenses: [] }, pieces: [] });
  });
});

describe('changesBetween', () => {
  const values: DossierValues = {
    promoter: { name: 'SISA', siren: null },
    project: { name: 'MSP', commune: { code: '43040', postalCode: null }, doctorsPlanned: 3, professionalsPlanned: 6, populationServed: 4200 },
    siteMeetingHeldOn: null,
    expenses: [{ category: 'IMMOBILIER', nature: 'WORKS', label: 'Travaux', amountCents: '100' }],
  };

  it('names what differs, whatever the order of keys (as jsonb keeps them)', () => {
    const reordered = JSON.parse(JSON.stringify({ ...values, expenses: [{ amountCents: '100', label: 'Travaux', nature: 'WORKS', category: 'IMMOBILIER' }] })) as DossierValues;
    expect(changesBetween(values, reordered)).toEqual([]);
    expect(changesBetween(values, { ...values, project: { ...values.project, populationServed: 5000 }, siteMeetingHeldOn: '2026-11-20' })).toEqual([
      { field: 'project.populationServed', from: 4200, to: 5000 },
      { field: 'siteMeeting.heldOn', from: null, to: '2026-11-20' },
    ]);
  });
});
