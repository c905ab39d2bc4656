use openai_usage::*;

// Every organization read builds from its path parameters and takes its query parameters.
pub fn run() {
    let _: ListProjectsParams = ListProjectsParams::new()
        .limit(100)
        .after("proj_alpha")
        .include_archived(true);
    let _: RetrieveProjectParams = RetrieveProjectParams::new("proj_alpha");
    let _: ListUsersParams = ListUsersParams::new()
        .emails(vec![
            String::from("ann@example.com"),
            String::from("bob@example.com"),
        ])
        .limit(10);
    let _: RetrieveUserParams = RetrieveUserParams::new("user_ann");
    let _: ListProjectUsersParams = ListProjectUsersParams::new("proj_alpha").after("user_ann");
    let _: ListProjectApiKeysParams = ListProjectApiKeysParams::new(String::from("proj_alpha"))
        .owner_project_access(OwnerProjectAccessFilter::Active);
    let _: RetrieveProjectApiKeyParams = RetrieveProjectApiKeyParams::new("proj_alpha", "key_main");
    let _: ListProjectServiceAccountsParams = ListProjectServiceAccountsParams::new("proj_beta");
    let _: ListAdminApiKeysParams = ListAdminApiKeysParams::new().order(ListOrder::Desc);
    let _: GetOrganizationSpendLimitParams = GetOrganizationSpendLimitParams::new();
    let _: GetProjectSpendLimitParams = GetProjectSpendLimitParams::new("proj_alpha");
    let _: ListOrganizationSpendAlertsParams =
        ListOrganizationSpendAlertsParams::new().before("alert_1");
    let _: ListProjectSpendAlertsParams =
        ListProjectSpendAlertsParams::new("proj_alpha").order(ListOrder::Asc);
}
