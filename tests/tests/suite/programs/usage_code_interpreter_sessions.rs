use openai_usage::*;

pub fn run() {
    let params = UsageCodeInterpreterSessionsParams::new(1730419200)
        .end_time(1730505600)
        .bucket_width(UsageBucketWidth::OneMinute)
        .project_ids(["proj_1"])
        .group_by([UsageCodeInterpreterSessionsGroupBy::ProjectId])
        .limit(60)
        .page("page_1");
    params.validate().unwrap();
    assert!(!params.to_query().is_empty());
}
