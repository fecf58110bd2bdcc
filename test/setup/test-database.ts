// Set by global-setup.mjs for every test worker.
export const TEMPLATE_ENV = 'MSP_TEST_TEMPLATE';
export const SERVER_ENV = 'MSP_TEST_SERVER_URL';
