namespace QdFunctional.Physics.Native;

/// <summary>
/// Byte offsets of the <c>mjModel</c>, <c>mjData</c>, <c>mjContact</c> and <c>mjVFS</c> fields this
/// layer reads, for MuJoCo 2.2.2 on x86_64 (from <c>offsetof</c> over the 2.2.2 headers). The
/// structs change between MuJoCo releases, which is why the version is pinned and a test
/// compiles the headers to check every number here.
/// </summary>
public static class Layout
{
    /// <summary>The only MuJoCo version these offsets hold for, as <c>mj_version()</c> reports it.</summary>
    public const int Version = 222;

    /// <summary>mjModel: int nq.</summary>
    public const int ModelNq = 0;

    /// <summary>mjModel: int nv.</summary>
    public const int ModelNv = 4;

    /// <summary>mjModel: int nu.</summary>
    public const int ModelNu = 8;

    /// <summary>mjModel: int nbody.</summary>
    public const int ModelNbody = 16;

    /// <summary>mjModel: int njnt.</summary>
    public const int ModelNjnt = 20;

    /// <summary>mjModel: int ngeom.</summary>
    public const int ModelNgeom = 24;

    /// <summary>mjModel: mjtNum opt.timestep.</summary>
    public const int ModelTimestep = 232;

    /// <summary>mjModel: int* jnt_qposadr.</summary>
    public const int ModelJointQposAddress = 1288;

    /// <summary>mjModel: mjtNum* jnt_range (njnt × 2).</summary>
    public const int ModelJointRange = 1368;

    /// <summary>mjModel: int* geom_bodyid.</summary>
    public const int ModelGeomBody = 1520;

    /// <summary>mjModel: int* actuator_trnid (nu × 2; the first is the joint).</summary>
    public const int ModelActuatorTarget = 2728;

    /// <summary>mjModel: mjtNum* actuator_ctrlrange (nu × 2).</summary>
    public const int ModelActuatorControlRange = 2792;

    /// <summary>mjData: int ncon.</summary>
    public const int DataContactCount = 40332;

    /// <summary>mjData: mjtNum time.</summary>
    public const int DataTime = 40336;

    /// <summary>mjData: mjtNum* qpos.</summary>
    public const int DataQpos = 40376;

    /// <summary>mjData: mjtNum* qvel.</summary>
    public const int DataQvel = 40384;

    /// <summary>mjData: mjtNum* ctrl.</summary>
    public const int DataControl = 40408;

    /// <summary>mjData: mjtNum* xpos (nbody × 3).</summary>
    public const int DataBodyPosition = 40480;

    /// <summary>mjData: mjContact* contact.</summary>
    public const int DataContacts = 40752;

    /// <summary>mjData: mjtNum* actuator_force.</summary>
    public const int DataActuatorForce = 41080;

    /// <summary>sizeof(mjContact).</summary>
    public const int ContactSize = 528;

    /// <summary>mjContact: mjtNum dist.</summary>
    public const int ContactDistance = 0;

    /// <summary>mjContact: int geom1.</summary>
    public const int ContactGeom1 = 508;

    /// <summary>mjContact: int geom2.</summary>
    public const int ContactGeom2 = 512;

    /// <summary>sizeof(mjVFS).</summary>
    public const int VfsSize = 2024008;

    /// <summary>mjVFS: void* filedata[2000].</summary>
    public const int VfsFileData = 2008008;
}
