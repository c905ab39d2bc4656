use openai_usage::*;

// Every spend limit and alert write builds from its path parameters and a typed body.
pub fn run() {
    let channel =
        SpendAlertNotificationChannel::new(["finance@example.com"]).subject_prefix("Budget");
    let alert = CreateSpendAlertBody::new(80_000, channel);
    let _: CreateOrganizationSpendAlertParams =
        CreateOrganizationSpendAlertParams::new(alert.clone());
    let _: UpdateOrganizationSpendAlertParams =
        UpdateOrganizationSpendAlertParams::new("alert_1", alert.clone());
    let _: RetrieveOrganizationSpendAlertParams =
        RetrieveOrganizationSpendAlertParams::new("alert_1");
    let _: DeleteOrganizationSpendAlertParams = DeleteOrganizationSpendAlertParams::new("alert_1");
    let _: CreateProjectSpendAlertParams =
        CreateProjectSpendAlertParams::new("proj_alpha", alert.clone());
    let _: UpdateProjectSpendAlertParams =
        UpdateProjectSpendAlertParams::new("proj_alpha", "alert_1", alert);
    let _: RetrieveProjectSpendAlertParams =
        RetrieveProjectSpendAlertParams::new("proj_alpha", "alert_1");
    let _: DeleteProjectSpendAlertParams =
        DeleteProjectSpendAlertParams::new("proj_alpha", "alert_1");
    let _: UpdateOrganizationSpendLimitParams =
        UpdateOrganizationSpendLimitParams::new(UpdateOrganizationSpendLimitBody::new(1_000_000));
    let _: DeleteOrganizationSpendLimitParams = DeleteOrganizationSpendLimitParams::new();
    let _: UpdateProjectSpendLimitParams =
        UpdateProjectSpendLimitParams::new("proj_alpha", UpdateProjectSpendLimitBody::new(250_000));
    let _: DeleteProjectSpendLimitParams = DeleteProjectSpendLimitParams::new("proj_alpha");
}
