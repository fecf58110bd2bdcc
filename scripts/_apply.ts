import { migrate } from '/work/main/src/database/migrations.js';
const url = process.argv[2];
let t = Date.now();
console.log(await migrate(url), Date.now() - t);
t = Date.now();
console.log(await migrate(url), Date.now() - t);
