using Switchyard.Jobs.Store;
using Switchyard.Jobs.Tests.Store;

namespace Switchyard.Jobs.Postgres.Tests.Store;

public sealed class PostgresJobStoreConformanceTests : JobStoreConformance
{
    private readonly string _schema = TestPostgres.NewSchema();

    protected override async Task<IJobStore> CreateStoreAsync(TimeProvider time) => await TestPostgres.OpenAsync(_schema, time);

    protected override async Task<IJobStore> OpenSameStoreAsync(IJobStore store, TimeProvider time) =>
        await TestPostgres.OpenAsync(((PostgresJobStore)store).Schema, time);

    protected override Task DisposeStorageAsync() => TestPostgres.DropSchemaAsync(_schema);
}
