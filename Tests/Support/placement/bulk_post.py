#!/usr/bin/env python3
"""Placement's own cost for a bulk POST /allocations, without restrack: the
reference for `restrack-bench placement` (README, Performance).

    bulk_post.py URL N PARTS

Creates a root with 8 child providers (PCPU and MEMORY_MB), then sends N new
consumers (each 1 PCPU on one child and 512 MEMORY_MB on the next, project p,
user u, consumer type RESTRACK_CLAIM, microversion 1.39) as PARTS concurrent
POST /allocations requests, and prints the wall time and any errors. noauth2
token `admin`, as Tests/Support/placement/start.sh serves it."""
URL=sys.argv[1]; N=int(sys.argv[2]); PARTS=int(sys.argv[3])
H={'X-Auth-Token':'admin','OpenStack-API-Version':'placement 1.39','Content-Type':'application/json','Accept':'application/json'}
def req(m,p,body=None):
    r=urllib.request.Request(URL+p,method=m,headers=H,data=json.dumps(body).encode() if body is not None else None)
    with urllib.request.urlopen(r,timeout=600) as f: 
        d=f.read(); return json.loads(d) if d else None
root=str(uuid.uuid4()); req('POST','/resource_providers',{'name':'r'+root[:8],'uuid':root})
provs=[]
for i in range(8):
    u=str(uuid.uuid4()); req('POST','/resource_providers',{'name':f'c{i}-'+root[:8],'uuid':u,'parent_provider_uuid':root})
    req('PUT',f'/resource_providers/{u}/inventories',{'resource_provider_generation':0,'inventories':{'PCPU':{'total':100000},'MEMORY_MB':{'total':10**7}}})
    provs.append(u)
cons=[]
for k in range(N):
    p=provs[k%8]; q=provs[(k+1)%8]
    cons.append((str(uuid.uuid4()),{'allocations':{p:{'resources':{'PCPU':1}},q:{'resources':{'MEMORY_MB':512}}},'project_id':'p','user_id':'u','consumer_generation':None,'consumer_type':'RESTRACK_CLAIM'}))
chunks=[dict(cons[i::PARTS]) for i in range(PARTS)]
errs=[]
def post(c):
    try: req('POST','/allocations',c)
    except Exception as e: errs.append(str(e)+ (e.read().decode()[:300] if hasattr(e,'read') else ''))
t=time.time()
ts=[threading.Thread(target=post,args=(c,)) for c in chunks]
[x.start() for x in ts]; [x.join() for x in ts]
print(f'N={N} parts={PARTS} {time.time()-t:.2f}s errors={len(errs)} {errs[:2]}')
