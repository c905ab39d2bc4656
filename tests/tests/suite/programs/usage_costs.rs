use openai_usage::*;

pub fn run() {
    let params = UsageCostsParams::new(1730419200)
        .end_time(1730505600)
        .bucket_width(UsageCostsBucketWidth::OneDay)
        .project_ids(["proj_1"])
        .group_by([UsageCostsGroupBy::ProjectId, UsageCostsGroupBy::LineItem])
        .limit(180)
        .page("page_1");
    params.validate().unwrap();
    assert!(!params.to_query().is_empty());
}
