// Official French codes, as the INSEE writes them.
export const INSEE_COMMUNE = /^(?:\d{5}|2[AB]\d{3})$/;
export const DEPARTMENT_CODE = /^(?:0[1-9]|[1-8]\d|9[0-5]|2[AB]|97[1-6])$/;
export const REGION_CODE = /^\d{2}$/;
export const SIREN = /^\d{9}$/;

/** A commune's INSEE code starts with its département's code. */
export const communeInDepartment = (inseeCode: string, departmentCode: string) => inseeCode.startsWith(departmentCode);
