// INSEE codes of the current regions (COG), the tenants of this service.
export const REGIONS: Readonly<Record<string, string>> = {
  '01': 'Guadeloupe',
  '02': 'Martinique',
  '03': 'Guyane',
  '04': 'La Réunion',
  '06': 'Mayotte',
  '11': 'Île-de-France',
  '24': 'Centre-Val de Loire',
  '27': 'Bourgogne-Franche-Comté',
  '28': 'Normandie',
  '32': 'Hauts-de-France',
  '44': 'Grand Est',
  '52': 'Pays de la Loire',
  '53': 'Bretagne',
  '75': 'Nouvelle-Aquitaine',
  '76': 'Occitanie',
  '84': 'Auvergne-Rhône-Alpes',
  '93': "Provence-Alpes-Côte d'Azur",
  '94': 'Corse',
};

export const REGION_CODES = Object.keys(REGIONS);
export const isRegionCode = (code: string) => Object.hasOwn(REGIONS, code);

/** Départements outside metropolitan France (DROM) have 3-digit codes starting with 97. */
export const isOverseasDepartment = (departmentCode: string) => departmentCode.startsWith('97');
