use openai_usage::*;

pub fn run() {
    let params = UsageVectorStoresParams::new(1730419200)
        .end_time(1730505600)
        .bucket_width(UsageBucketWidth::OneDay)
        .project_ids(["proj_1"])
        .group_by([UsageVectorStoresGroupBy::ProjectId])
        .limit(7)
        .page("page_1");
    params.validate().unwrap();
    assert!(!params.to_query().is_empty());
}
