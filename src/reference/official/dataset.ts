// The State's administrative divisions, as the npm package @etalab/decoupage-administratif
// carries them. Read only by the loader (parsing costs ~0.5 s and 100 MB), never at start.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { communeDetr } from '../detr.js';

export const DATASET_PACKAGE = '@etalab/decoupage-administratif';

export interface OfficialCommune {
  inseeCode: string;
  name: string;
  departmentCode: string;
  regionCode: string;
  population: number;
  postalCodes: string[];
  siren: string | null;
  epciSiren: string | null;
  /** The DETR default for `rural` until a person confirms it. */
  ruralDefault: boolean;
}

export interface OfficialEpci {
  siren: string;
  name: string;
  type: string;
  population: number;
  memberCount: number;
  largestMemberPopulation: number;
  memberCodes: string[];
}

export interface OfficialDataset {
  source: string;
  version: string;
  communes: OfficialCommune[];
  epcis: OfficialEpci[];
}

interface RawCommune {
  code: string;
  nom: string;
  type: string;
  departement?: string;
  region?: string;
  population?: number;
  codesPostaux?: string[];
  siren?: string;
}
interface RawEpci {
  code: string;
  nom: string;
  type: string;
  populationMunicipale?: number;
  membres: { code: string; populationMunicipale?: number }[];
}

export class DatasetError extends Error {}

export async function readOfficialDataset(): Promise<OfficialDataset> {
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve(`${DATASET_PACKAGE}/package.json`));
  } catch {
    throw new DatasetError(`The package ${DATASET_PACKAGE} is not installed: run npm install.`);
  }
  const read = async <T>(file: string): Promise<T> => {
    try {
      return JSON.parse(await readFile(join(dir, file), 'utf8')) as T;
    } catch (error) {
      throw new DatasetError(`${DATASET_PACKAGE}/${file} cannot be read: ${(error as Error).message}`);
    }
  };
  const pkg = await read<{ version: string }>('package.json');
  const rawCommunes = await read<RawCommune[]>('data/communes.json');
  const rawEpcis = await read<RawEpci[]>('data/epci.json');

  const epciOf = new Map<string, string>();
  for (const e of rawEpcis) for (const m of e.membres) epciOf.set(m.code, e.code);

  const communes = rawCommunes
    .filter((c) => c.type === 'commune-actuelle' && c.region && c.departement)
    .map((c) => {
      const population = c.population ?? 0;
      return {
        inseeCode: c.code,
        name: c.nom,
        departmentCode: c.departement!,
        regionCode: c.region!,
        population,
        postalCodes: c.codesPostaux ?? [],
        siren: c.siren ?? null,
        epciSiren: epciOf.get(c.code) ?? null,
        ruralDefault: communeDetr(population, c.departement!).status === 'ELIGIBLE',
      };
    });
  const epcis = rawEpcis.map((e) => ({
    siren: e.code,
    name: e.nom,
    type: e.type,
    population: e.populationMunicipale ?? e.membres.reduce((s, m) => s + (m.populationMunicipale ?? 0), 0),
    memberCount: e.membres.length,
    largestMemberPopulation: Math.max(0, ...e.membres.map((m) => m.populationMunicipale ?? 0)),
    memberCodes: e.membres.map((m) => m.code),
  }));
  if (communes.length === 0) throw new DatasetError(`${DATASET_PACKAGE} holds no current commune.`);
  return { source: DATASET_PACKAGE, version: pkg.version, communes, epcis };
}

/** The part of the dataset a region's load writes: its communes and the EPCI they belong to. */
export function regionSlice(dataset: OfficialDataset, regionCode: string) {
  const communes = dataset.communes.filter((c) => c.regionCode === regionCode);
  const sirens = new Set(communes.map((c) => c.epciSiren).filter((s): s is string => s !== null));
  return { communes, epcis: dataset.epcis.filter((e) => sirens.has(e.siren)) };
}
