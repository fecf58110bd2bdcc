import { Global, Module } from '@nestjs/common';
import { AccountsRepository } from './accounts.repository.js';
import { ApiKeysController, OrganizationsController, UsersController } from './accounts.controller.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysService } from './api-keys.service.js';
import { Bootstrap } from './bootstrap.js';
import { OrganizationsRepository } from './organizations.repository.js';
import { OrganizationsService } from './organizations.service.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

// Global: the access guard (registered app-wide) resolves API keys through ApiKeysService.
@Global()
@Module({
  controllers: [OrganizationsController, UsersController, ApiKeysController],
  providers: [AccountsRepository, OrganizationsRepository, OrganizationsService, UsersRepository, UsersService, ApiKeysRepository, ApiKeysService, Bootstrap],
  exports: [AccountsRepository, ApiKeysService, Bootstrap],
})
export class AccountsModule {}
